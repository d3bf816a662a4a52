package dev.thingbridge.twin.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** A job's mutable state inside the store (only touched under the twin lock). */
final class JobRecord {
  final String jobId;
  final String jobArn;
  final String documentText;
  final ObjectNode document;
  final String description;
  final List<String> targets;
  private final List<String> thingNames;
  final Integer inProgressTimeoutInMinutes;
  final Instant createdAt;
  final long seq;
  JobStatus status = JobStatus.IN_PROGRESS;
  boolean forceCanceled;
  String reasonCode;
  String comment;
  Instant lastUpdatedAt;
  Instant completedAt;

  JobRecord(String jobId, String jobArn, String documentText, ObjectNode document, String description,
      List<String> targets, List<String> thingNames, Integer inProgressTimeoutInMinutes, Instant createdAt,
      long seq) {
    this.jobId = jobId;
    this.jobArn = jobArn;
    this.documentText = documentText;
    this.document = document;
    this.description = description;
    this.targets = List.copyOf(targets);
    this.thingNames = List.copyOf(thingNames);
    this.inProgressTimeoutInMinutes = inProgressTimeoutInMinutes;
    this.createdAt = createdAt;
    this.lastUpdatedAt = createdAt;
    this.seq = seq;
  }

  /** The things the targets name, in target order without duplicates. */
  List<String> thingNames() {
    return thingNames;
  }
}
