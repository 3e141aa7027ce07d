package dev.mailgate.bench.load.report;

/**
 * One measured run of one scenario against one target: its figure in the scenario's unit, how many
 * sessions failed, and the latency of the commands it timed ({@link Percentiles#NONE} if none).
 */
public record Sample(double value, long errors, Percentiles latency) {}
