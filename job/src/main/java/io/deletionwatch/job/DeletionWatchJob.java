package io.deletionwatch.job;

/** Placeholder main; replaced by the real entry point. */
public final class DeletionWatchJob {
    public static void main(String[] args) {}
}
