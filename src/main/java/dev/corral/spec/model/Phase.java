package dev.corral.spec.model;

/**
 * Where a Session, Relic or Agent stands, as {@code status.phase} says it: the JSON value is the
 * constant's name. (ToolRuns have their own phases.)
 */
public enum Phase {
    Pending, Creating, Starting, Ready, Unhealthy, CrashLoopBackOff, Stopped, Failed, Terminating
}
