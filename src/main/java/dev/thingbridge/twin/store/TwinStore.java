package dev.thingbridge.twin.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The twin's state in one SQLite database: {@code twin.db} in the state directory (WAL mode, so a kill at any
 * moment leaves the last committed state), or an in-memory database with the same tables when the twin runs
 * without a state directory. See the package documentation for the layout and how to add a table.
 *
 * <p>One connection, used by one thread at a time (methods are synchronized): the twin's committer writes,
 * and reads happen only while the twin loads its state. A {@code twin.lock} file, locked while the store is
 * open, keeps a second twin off the same directory.
 */
public final class TwinStore implements StoreReader, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TwinStore.class);
  /** The database file's name in the state directory. */
  public static final String FILE_NAME = "twin.db";
  /** {@code PRAGMA application_id} of a twin database ("tbtw"), so a foreign SQLite file is refused. */
  static final int APPLICATION_ID = 0x74627477;
  /**
   * {@code PRAGMA user_version}: the layout of the store's own tables. 2: commits go through a journal first
   * ({@code twin.journal.*}), which a version that knows only 1 would ignore and lose.
   */
  static final int FORMAT = 2;
  /** The {@code meta} key holding the number of the last journaled commit the database holds. */
  static final String JOURNAL_SEQ = "journal_seq";
  /** The store's own tables: legacy whole-state snapshots and a key-value table for markers. */
  static final Table SNAPSHOTS = Table.of("snapshots", 1, "service", "state");
  static final Table META = Table.of("meta", 1, "key", "value");
  private static final StoreSchema OWN = StoreSchema.of("twin", java.util.List.of(SNAPSHOTS, META), Migration.sql(
      "CREATE TABLE snapshots (service TEXT PRIMARY KEY, state TEXT NOT NULL)",
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)"));

  private final Connection connection;
  private final Path file;
  private final SyncMode sync;
  private final FileChannel lockChannel;
  private final PreparedStatement begin;
  private final PreparedStatement commit;
  private final PreparedStatement rollback;
  private final Map<Table, PreparedStatement> upserts = new HashMap<>();
  private final Map<Table, PreparedStatement> deletes = new HashMap<>();
  private final Set<String> owners = new HashSet<>();
  /** Every table of every schema, by name: what a journaled commit may write. */
  private final Map<String, Table> tables = new HashMap<>();
  /** Commits of a file database: written to the journal first, taken into the database by the applier. */
  private volatile JournaledCommits journal;
  private Predicate<byte[]> refuses;
  /** The background checkpoint of the log (file databases only). */
  private Checkpointer checkpointer;
  private volatile boolean closed;

  private TwinStore(Connection connection, Path file, SyncMode sync, FileChannel lockChannel) throws SQLException {
    this.connection = connection;
    this.file = file;
    this.sync = sync;
    this.lockChannel = lockChannel;
    this.begin = connection.prepareStatement("BEGIN");
    this.commit = connection.prepareStatement("COMMIT");
    this.rollback = connection.prepareStatement("ROLLBACK");
  }

  /**
   * Opens (or creates) {@code dir/twin.db}, creating {@code dir} if needed, and brings the store's own tables
   * up to date.
   *
   * @throws TwinStoreException with one line naming the directory and the reason when it is not a writable
   *     directory, is used by another twin, or holds a database this version cannot use
   */
  public static TwinStore open(Path dir, SyncMode sync) {
    return open(dir, sync, null);
  }

  /**
   * As {@link #open(Path, SyncMode)}, with a disk that refuses the journal writes {@code refuses} picks (a
   * test's stand-in for a full or failing disk; null for none).
   */
  public static TwinStore open(Path dir, SyncMode sync, Predicate<byte[]> refuses) {
    Path abs = dir.toAbsolutePath().normalize();
    String where = "the twin cannot keep its state in " + dir + ": ";
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new TwinStoreException(where + "it is not a directory");
    }
    try {
      Files.createDirectories(abs);
    } catch (IOException e) {
      throw new TwinStoreException(where + "cannot create it (" + reason(e) + ")", e);
    }
    FileChannel lockChannel;
    try {
      lockChannel = FileChannel.open(abs.resolve("twin.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new TwinStoreException(where + "cannot write there (" + reason(e) + ")", e);
    }
    try {
      FileLock lock = lockChannel.tryLock();
      if (lock == null) {
        throw new TwinStoreException(where + "another twin is using it");
      }
    } catch (IOException | OverlappingFileLockException e) {
      closeQuietly(lockChannel);
      throw new TwinStoreException(where + "another twin is using it", e);
    } catch (TwinStoreException e) {
      closeQuietly(lockChannel);
      throw e;
    }
    Path db = abs.resolve(FILE_NAME);
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(sync == SyncMode.FULL ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(5000);
    // The log is checkpointed in the background (Checkpointer), not by the commit that fills it; once it has
    // been copied and starts over, it is truncated back to this size.
    config.setJournalSizeLimit(16 * 1024 * 1024);
    config.setCacheSize(-32 * 1024);
    // The driver would otherwise run a second query after every write to fetch a rowid nobody asks for.
    config.setGetGeneratedKeys(false);
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA wal_autocheckpoint = 0");
      }
      TwinStore store = new TwinStore(c, db, sync, lockChannel);
      store.refuses = refuses;
      store.checkIdentity(where);
      store.migrate(OWN);
      store.checkpointer = new Checkpointer(db);
      return store;
    } catch (SQLException e) {
      closeQuietly(lockChannel);
      throw new TwinStoreException(where + db.getFileName() + " cannot be used (" + e.getMessage() + ")", e);
    } catch (TwinStoreException e) {
      closeQuietly(lockChannel);
      throw e;
    }
  }

  /** An empty database in memory with the same tables: the twin without a state directory. */
  public static TwinStore inMemory() {
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setGetGeneratedKeys(false);
      Connection c = DriverManager.getConnection("jdbc:sqlite::memory:", config.toProperties());
      TwinStore store = new TwinStore(c, null, SyncMode.NORMAL, null);
      store.checkIdentity("the in-memory store: ");
      store.migrate(OWN);
      return store;
    } catch (SQLException e) {
      throw new TwinStoreException("cannot create the in-memory store: " + e.getMessage(), e);
    }
  }

  /** The database file, or empty in memory. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** How commits are synced. */
  public SyncMode sync() {
    return sync;
  }

  /**
   * Brings an owner's tables up to date: runs, each in its own transaction, the steps the database has not
   * seen, then prepares the writes of every table in the schema (so a table or column missing in the database
   * fails here, at start, rather than at the first write).
   *
   * @throws TwinStoreException if a step fails or the database was written by a newer schema
   */
  public synchronized void migrate(StoreSchema schema) {
    if (journal != null) {
      throw new IllegalStateException("schema " + schema.owner() + " comes after the store was first used");
    }
    if (!owners.add(schema.owner())) {
      throw new IllegalStateException("schema " + schema.owner() + " is already registered");
    }
    int current = schemaVersion(schema.owner());
    if (current > schema.version()) {
      throw new TwinStoreException(describe() + " holds " + schema.owner() + " tables of version " + current
          + ", written by a newer thingbridge (this one knows version " + schema.version() + ")");
    }
    for (int v = current + 1; v <= schema.version(); v++) {
      try {
        begin.execute();
        schema.migrations().get(v - 1).apply(connection);
        try (PreparedStatement ps = connection.prepareStatement(
            "INSERT INTO schema_versions (owner, version) VALUES (?, ?) "
                + "ON CONFLICT (owner) DO UPDATE SET version = excluded.version")) {
          ps.setString(1, schema.owner());
          ps.setInt(2, v);
          ps.executeUpdate();
        }
        commit.execute();
        if (current > 0 || v > 1) {
          log.info("twin store: {} tables migrated to version {}", schema.owner(), v);
        }
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly();
        throw new TwinStoreException("migrating the " + schema.owner() + " tables of " + describe() + " to version "
            + v + " failed: " + e.getMessage(), e);
      }
    }
    for (Table t : schema.tables()) {
      tables.put(t.name(), t);
      try {
        statement(t, false);
        statement(t, true);
      } catch (SQLException e) {
        throw new TwinStoreException(describe() + ": table " + t.name() + " of " + schema.owner()
            + " does not match its schema: " + e.getMessage(), e);
      }
    }
  }

  /** The version of an owner's tables in the database, 0 if it has none yet. */
  public synchronized int schemaVersion(String owner) {
    try (PreparedStatement ps = connection.prepareStatement("SELECT version FROM schema_versions WHERE owner = ?")) {
      ps.setString(1, owner);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    } catch (SQLException e) {
      throw TwinStoreException.of("reading the schema version of " + owner, e);
    }
  }

  /**
   * Runs a query and hands each row to {@code each}, in the query's order.
   *
   * @throws TwinStoreException if the query fails; an exception thrown by {@code each} propagates
   */
  @Override
  public void query(String sql, Consumer<Row> each, Object... args) {
    if (file != null) {
      startJournal();
      JournaledCommits j = journal;
      if (j != null) {
        j.awaitApplied();
      }
    }
    queryNow(sql, each, args);
  }

  private synchronized void queryNow(String sql, Consumer<Row> each, Object... args) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        Row row = new Row(rs);
        while (rs.next()) {
          each.accept(row);
        }
      }
    } catch (SQLException e) {
      throw TwinStoreException.of("query failed (" + sql + ")", e);
    }
  }

  /**
   * Commits the writes in one transaction. On failure nothing of them is kept.
   *
   * @throws TwinStoreException naming the cause (disk full, I/O error, constraint, ...)
   */
  public void commit(Changes changes) {
    if (changes.isEmpty()) {
      return;
    }
    if (file == null) {
      commitNow(changes);
      return;
    }
    // Read without the store's lock: the applier holds it for a whole round, and a commit must not wait on that.
    JournaledCommits j = journal;
    if (j == null) {
      startJournal();
      j = journal;
    }
    if (closed || j == null) {
      throw new TwinStoreException(describe() + " is closed");
    }
    j.commit(changes);
  }

  /** Writes in one transaction, now. */
  private synchronized void commitNow(Changes changes) {
    if (closed) {
      throw new TwinStoreException(describe() + " is closed");
    }
    try {
      List<Changes.Write> writes = changes.writes();
      if (writes.size() == 1) {
        // One statement is a transaction of its own: no BEGIN and COMMIT round trips through the driver.
        execute(writes.get(0));
      } else {
        begin.execute();
        for (Changes.Write w : writes) {
          execute(w);
        }
        commit.execute();
      }
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly();
      throw new TwinStoreException("commit to " + describe() + " failed: " + e.getMessage(), e);
    }
  }

  /** The applier's round: journaled commits and how far the database holds them, in one transaction. */
  private synchronized void applyRound(List<JournalRecords.Entry> round) {
    try {
      applyWrites(RoundWrites.lastPerRow(round), round);
    } catch (SQLException | RuntimeException coalesced) {
      rollbackQuietly();
      try {
        // A unique index may refuse the shortened order; the full one is what the commits did.
        applyWrites(RoundWrites.all(round), round);
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly();
        throw new TwinStoreException("applying the journal to " + describe() + " failed: " + e.getMessage(), e);
      }
    }
    if (checkpointer != null) {
      checkpointer.committed();
    }
  }

  private void applyWrites(List<Changes.Write> writes, List<JournalRecords.Entry> round) throws SQLException {
    begin.execute();
    for (Changes.Write w : writes) {
      execute(w);
    }
    execute(new Changes.Write(META, false, new Object[] {JOURNAL_SEQ,
        Long.toString(round.get(round.size() - 1).seq())}));
    commit.execute();
  }

  /**
   * Reads back, at first use, the journaled commits the database does not hold yet (a kill or a crash came
   * before the applier took them), then starts a new journal and the applier.
   */
  private synchronized void startJournal() {
    if (journal != null || closed) {
      return;
    }
    long applied = metaNow(JOURNAL_SEQ).map(Long::parseLong).orElse(0L);
    journal = JournaledCommits.start(file, applied, tables, sync == SyncMode.FULL, refuses, this::applyRound);
  }

  /** A legacy service's whole state, as {@link #saveSnapshot} stored it. */
  public Optional<String> snapshot(String service) {
    return single("SELECT state FROM snapshots WHERE service = ?", "state", service);
  }

  /** Adds the write of a legacy service's whole state to {@code changes}. */
  public static void saveSnapshot(Changes changes, String service, String state) {
    changes.put(SNAPSHOTS, service, state);
  }

  /** A marker value, e.g. that the JSON state files were imported. */
  public Optional<String> meta(String key) {
    return single("SELECT value FROM meta WHERE key = ?", "value", key);
  }

  private Optional<String> metaNow(String key) {
    String[] out = new String[1];
    queryNow("SELECT value FROM meta WHERE key = ?", r -> out[0] = r.text("value"), key);
    return Optional.ofNullable(out[0]);
  }

  /** Adds the write of a marker to {@code changes}. */
  public static void saveMeta(Changes changes, String key, String value) {
    changes.put(META, key, value);
  }

  @Override
  public void close() {
    JournaledCommits stopping;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      stopping = journal;
    }
    // Outside the lock: the applier's last round needs it.
    if (stopping != null) {
      stopping.stopApplier();
    }
    closeDatabase();
  }

  private synchronized void closeDatabase() {
    if (checkpointer != null) {
      checkpointer.close();
      try (Statement s = connection.createStatement()) {
        // Leaves everything in twin.db itself and an empty log, for whoever opens the file next.
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      } catch (SQLException e) {
        log.debug("twin store: final checkpoint of {} failed: {}", describe(), e.getMessage());
      }
    }
    if (journal != null) {
      journal.close();
    }
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("twin store: closing {} failed: {}", describe(), e.getMessage());
    }
    if (lockChannel != null) {
      closeQuietly(lockChannel);
    }
  }

  @Override
  public String toString() {
    return describe();
  }

  private String describe() {
    return file == null ? "the in-memory store" : file.toString();
  }

  private Optional<String> single(String sql, String column, String key) {
    String[] out = new String[1];
    query(sql, r -> out[0] = r.text(column), key);
    return Optional.ofNullable(out[0]);
  }

  private void checkIdentity(String where) throws SQLException {
    int app;
    int format;
    try (Statement s = connection.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA application_id")) {
        app = rs.next() ? rs.getInt(1) : 0;
      }
      try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
        format = rs.next() ? rs.getInt(1) : 0;
      }
      boolean empty;
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
        empty = rs.next() && rs.getInt(1) == 0;
      }
      if (app == 0 && format == 0 && empty) {
        s.executeUpdate("PRAGMA application_id = " + APPLICATION_ID);
        s.executeUpdate("PRAGMA user_version = " + FORMAT);
        s.executeUpdate("CREATE TABLE IF NOT EXISTS schema_versions (owner TEXT PRIMARY KEY, version INTEGER NOT NULL)");
        return;
      }
    }
    if (app != APPLICATION_ID) {
      throw new TwinStoreException(where + FILE_NAME + " is not a thingbridge twin database");
    }
    if (format > FORMAT) {
      throw new TwinStoreException(where + FILE_NAME + " was written by a newer thingbridge (store format "
          + format + ", this one knows " + FORMAT + ")");
    }
    if (format < FORMAT) {
      // Format 1 had no journal: nothing to convert, but an older version must refuse the directory from now on.
      try (Statement s = connection.createStatement()) {
        s.executeUpdate("PRAGMA user_version = " + FORMAT);
      }
    }
  }

  private void execute(Changes.Write w) throws SQLException {
    PreparedStatement ps = statement(w.table(), w.delete());
    bind(ps, w.values());
    ps.executeUpdate();
  }

  private PreparedStatement statement(Table table, boolean delete) throws SQLException {
    Map<Table, PreparedStatement> cache = delete ? deletes : upserts;
    PreparedStatement ps = cache.get(table);
    if (ps == null) {
      ps = connection.prepareStatement(delete ? table.deleteSql() : table.upsertSql());
      cache.put(table, ps);
    }
    return ps;
  }

  private static void bind(PreparedStatement ps, Object[] values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      int index = i + 1;
      if (v == null) {
        ps.setNull(index, java.sql.Types.NULL);
      } else if (v instanceof String s) {
        ps.setString(index, s);
      } else if (v instanceof Long l) {
        ps.setLong(index, l);
      } else if (v instanceof Integer n) {
        ps.setInt(index, n);
      } else if (v instanceof Double d) {
        ps.setDouble(index, d);
      } else if (v instanceof Boolean b) {
        ps.setInt(index, b ? 1 : 0);
      } else if (v instanceof byte[] bytes) {
        ps.setBytes(index, bytes);
      } else {
        throw new IllegalArgumentException("cannot bind a " + v.getClass().getName());
      }
    }
  }

  private void rollbackQuietly() {
    try {
      rollback.execute();
    } catch (SQLException ignored) {
      // No transaction was open (the failure came before or during BEGIN): nothing to undo.
    }
  }

  static String reason(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    String name = e.getClass().getSimpleName().replace("Exception", "");
    return e.getMessage() == null ? name : name + ": " + e.getMessage();
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // Closing also releases the lock; nothing else to do.
    }
  }
}
