package dev.thingbridge.shadows;

import dev.thingbridge.internal.Backoff;
import dev.thingbridge.internal.Futures;
import dev.thingbridge.internal.NamedThreadFactory;
import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.shadows.ManagedShadows.Managed;
import dev.thingbridge.shadows.ShadowManagerListener.Removal;
import dev.thingbridge.shadows.internal.RequestPacer.Priority;
import dev.thingbridge.shadows.store.ShadowStateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the shadow manager fetches its shadows: at start (after an optional discovery, which also decides which
 * local shadows the cloud no longer has), after a session loss (after a random delay, so a fleet of gateways
 * does not resync at once), on request, and again with doubling back-off for the fetches that failed. Fetches run
 * at background priority, so urgent work goes first. Runs on the control thread of its {@link ManagerRuntime},
 * apart from the discovery, which has its own short-lived thread ({@code thingbridge-shadows-manager-N-discovery}).
 */
final class ResyncScheduler<S> {
  private static final Logger LOG = LoggerFactory.getLogger(ResyncScheduler.class);

  private final ManagedShadows<S> engine;
  private final ManagerRuntime runtime;
  private final ScheduledExecutorService control;
  private final ShadowDiscovery discovery;
  private final Duration resyncJitter;

  /**
   * @param discovery how to list the cloud's shadows at start, or null for none
   */
  public ResyncScheduler(ManagedShadows<S> engine, ManagerRuntime runtime, ShadowDiscovery discovery,
      Duration resyncJitter) {
    this.engine = engine;
    this.runtime = runtime;
    this.control = runtime.control();
    this.discovery = discovery;
    this.resyncJitter = resyncJitter;
  }

  /**
   * Discovers the cloud's shadows (if a discovery is configured), registers them and the ones found in the store,
   * and fetches each.
   */
  public CompletableFuture<ShadowSyncReport> startUp() {
    return discover().thenComposeAsync(this::registerAtStart, control);
  }

  /** Re-fetches every managed shadow now, without retries (on the control thread). */
  public CompletableFuture<ShadowSyncReport> resyncAll() {
    return runtime.onControlAsync(() -> syncAll(new ArrayList<>(engine.ids()), List.of()));
  }

  // ---- start ----------------------------------------------------------------------------------------

  /** The cloud's shadow names, or null without a discovery or when it failed. */
  private CompletableFuture<List<String>> discover() {
    if (discovery == null) {
      return CompletableFuture.completedFuture(null);
    }
    ExecutorService thread = Executors.newSingleThreadExecutor(
        new NamedThreadFactory(runtime.threadName() + "-discovery", true));
    CompletableFuture<List<String>> names = CompletableFuture.supplyAsync(() -> {
      try {
        return List.copyOf(discovery.namedShadows(engine.thingName()));
      } catch (Exception e) {
        LOG.warn("shadow manager {}: discovery failed, carrying on with local state: {}", engine.thingName(),
            e.toString());
        runtime.onControl(() -> engine.problem(null, "discovery failed; carrying on with the local state", e));
        return null;
      }
    }, thread);
    names.whenComplete((v, e) -> thread.shutdown());
    return names;
  }

  private CompletableFuture<ShadowSyncReport> registerAtStart(List<String> cloudNames) {
    String namePrefix = engine.namePrefix();
    Set<String> local = localIds();
    List<String> removed = new ArrayList<>();
    Set<String> ids = new TreeSet<>();
    if (cloudNames == null) {
      ids.addAll(local);
    } else {
      for (String name : cloudNames) {
        if (name.startsWith(namePrefix) && name.length() > namePrefix.length()) {
          ids.add(name.substring(namePrefix.length()));
        }
      }
      for (String id : local) {
        if (!ids.contains(id)) {
          engine.wipe(id);
          removed.add(id);
          engine.safely(() -> engine.listener().onShadowRemoved(id, Removal.ABSENT_FROM_CLOUD));
        }
      }
    }
    List<String> registered = new ArrayList<>();
    for (String id : ids) {
      if (!engine.isManaged(id)) {
        try {
          engine.register(id);
        } catch (RuntimeException e) {
          engine.problem(id, "could not be registered", e);
          continue;
        }
      }
      registered.add(id);
    }
    LOG.info("shadow manager {}: {} shadows named {}*, {} removed as absent from the cloud", engine.thingName(),
        registered.size(), namePrefix, removed.size());
    return syncWithRetries(registered, removed);
  }

  /** Ids with local state: scopes {@code thing~prefix<id>} found in the store. */
  private Set<String> localIds() {
    String namePrefix = engine.namePrefix();
    String scopeHead = ShadowStateStore.scopeOf(engine.thingName(), namePrefix);
    Set<String> ids = new TreeSet<>();
    for (String key : engine.store().keys(scopeHead)) {
      int slash = key.indexOf('/', scopeHead.length());
      if (slash > scopeHead.length()) {
        String id = key.substring(scopeHead.length(), slash);
        if (AwsNames.isShadowName(namePrefix + id)) {
          ids.add(id);
        }
      }
    }
    return ids;
  }

  // ---- resync ---------------------------------------------------------------------------------------

  /** After the broker lost the session: re-fetches every shadow after a random delay up to the jitter. */
  public void resyncAfterSessionLoss() {
    long jitter = resyncJitter.isZero() ? 0 : ThreadLocalRandom.current().nextLong(resyncJitter.toMillis() + 1);
    LOG.info("shadow manager {}: session lost, re-fetching {} shadows in {} ms", engine.thingName(),
        engine.ids().size(), jitter);
    Runnable resync = () -> syncWithRetries(new ArrayList<>(engine.ids()), List.of());
    if (jitter == 0) {
      resync.run();
    } else {
      control.schedule(() -> runtime.guarded(resync), jitter, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * {@link #syncAll} and, for the fetches that failed (a timeout while the cloud side was still reconnecting,
   * say), further rounds with doubling back-off until each succeeds or leaves the manager. Completes with the
   * first round's report.
   */
  private CompletableFuture<ShadowSyncReport> syncWithRetries(List<String> ids, List<String> removedBefore) {
    CompletableFuture<ShadowSyncReport> first = syncAll(ids, removedBefore);
    first.thenAccept(report -> retryFailed(report, 1));
    return first;
  }

  private void retryFailed(ShadowSyncReport report, int attempt) {
    List<String> retry = report.failed().keySet().stream().sorted().toList();
    if (retry.isEmpty() || runtime.isClosed()) {
      return;
    }
    long delay = Backoff.RESYNC.jittered(attempt).toMillis();
    LOG.info("shadow manager {}: {} fetches failed, retrying in {} ms", engine.thingName(), retry.size(), delay);
    try {
      control.schedule(() -> runtime.guarded(() -> syncAll(retry, List.of())
          .thenAccept(r -> retryFailed(r, attempt + 1))), delay,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("shadow manager closed; retries dropped");
    }
  }

  /** Fetches the given shadows at background priority, each once even if asked again meanwhile. */
  private CompletableFuture<ShadowSyncReport> syncAll(List<String> ids, List<String> removedBefore) {
    Map<String, CompletableFuture<S>> fetches = new LinkedHashMap<>();
    for (String id : ids) {
      Managed<S> m = engine.get(id);
      if (m == null) {
        continue;
      }
      if (m.resyncQueued) {
        // The fetch in flight may have been answered before what made this resync necessary (a session lost
        // mid-fetch loses the deletes and deltas sent meanwhile): fetch again once it is done.
        m.fetchAgain = true;
        continue;
      }
      m.resyncQueued = true;
      fetches.put(id, m.session.sync(false, Priority.BACKGROUND)
          .whenCompleteAsync((s, e) -> {
            m.resyncQueued = false;
            if (m.fetchAgain && !runtime.isClosed()) {
              m.fetchAgain = false;
              syncWithRetries(List.of(id), List.of());
            }
          }, control));
    }
    return CompletableFuture.allOf(fetches.values().toArray(CompletableFuture[]::new))
        .handle((v, e) -> {
          List<String> synced = new ArrayList<>();
          List<String> removed = new ArrayList<>(removedBefore);
          Map<String, Throwable> failed = new TreeMap<>();
          fetches.forEach((id, f) -> {
            Throwable error = f.isCompletedExceptionally() ? f.handle((x, t) -> t).join() : null;
            Throwable cause = error == null ? null : Futures.unwrap(error);
            if (cause == null) {
              synced.add(id);
            } else if (ShadowSession.is(cause, ShadowErrorCode.NOT_FOUND)
                || ShadowSession.is(cause, ShadowErrorCode.NOT_MANAGED)) {
              removed.add(id);
            } else {
              failed.put(id, cause);
            }
          });
          failed.forEach((id, cause) -> runtime.onControl(() -> engine.problem(id, "fetch failed", cause)));
          return new ShadowSyncReport(synced, removed, failed);
        });
  }
}
