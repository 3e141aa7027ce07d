/** JMH benchmarks and the load harness. */
package dev.mailgate.bench;
