package dev.thingbridge.jobs.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The accepted reply to UpdateJobExecution. {@code executionState} is present only when the request set
 * {@code includeJobExecutionState}, {@code jobDocument} only with {@code includeJobDocument}.
 */
public record UpdateJobExecutionResponse(
    JobExecutionState executionState, JsonNode jobDocument, Long timestamp, String clientToken) {}
