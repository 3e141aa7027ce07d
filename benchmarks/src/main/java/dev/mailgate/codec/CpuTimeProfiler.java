package dev.mailgate.codec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that turns wall-clock throughput into throughput per CPU-second, for a machine
 * shared with other builds (there a wall-clock score mostly measures the scheduler). Use with
 * {@code -prof dev.mailgate.codec.CpuTimeProfiler}.
 *
 * <p>Per iteration it reads the CPU time of the JMH worker threads ({@code *jmh-worker*}) and of
 * the whole fork (JIT and GC threads included) and reports:
 * <ul>
 *   <li>{@code cpu.worker} and {@code cpu.fork}: cores busy, CPU time over the nominal iteration
 *   time;</li>
 *   <li>{@code score.perWorkerCpu} and {@code score.perForkCpu}: the primary score times the nominal
 *   iteration time over that CPU time, in the score's unit (ops/s becomes ops per CPU-second).</li>
 * </ul>
 * The CPU is read from before the iteration starts until after it ended, a window a little longer
 * than the measured one, so the per-CPU figures err low, never high.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private Map<Long, Long> workersBefore = Map.of();
  private long forkBefore;

  @Override
  public String getDescription() {
    return "throughput per CPU-second of the JMH worker threads and of the fork";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    workersBefore = workerCpu();
    forkBefore = os.getProcessCpuTime();
  }

  @Override
  public List<? extends Result> afterIteration(BenchmarkParams benchmark, IterationParams iteration,
      IterationResult result) {
    long fork = os.getProcessCpuTime() - forkBefore;
    long worker = 0;
    for (Map.Entry<Long, Long> now : workerCpu().entrySet()) {
      // A worker started during the iteration counts from zero.
      worker += now.getValue() - workersBefore.getOrDefault(now.getKey(), 0L);
    }
    double nominal = iteration.getTime().convertTo(TimeUnit.NANOSECONDS);
    double score = result.getPrimaryResult().getScore();
    String unit = result.getScoreUnit();
    return List.of(
        new ScalarResult("cpu.worker", worker / nominal, "cores", AggregationPolicy.AVG),
        new ScalarResult("cpu.fork", fork / nominal, "cores", AggregationPolicy.AVG),
        new ScalarResult("score.perWorkerCpu", score * nominal / Math.max(1, worker), unit + " per CPU",
            AggregationPolicy.AVG),
        new ScalarResult("score.perForkCpu", score * nominal / Math.max(1, fork), unit + " per CPU",
            AggregationPolicy.AVG));
  }

  private Map<Long, Long> workerCpu() {
    Map<Long, Long> cpu = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().contains("jmh-worker")) {
        long ns = threads.getThreadCpuTime(t.getId());
        if (ns >= 0) {
          cpu.put(t.getId(), ns);
        }
      }
    }
    return cpu;
  }
}
