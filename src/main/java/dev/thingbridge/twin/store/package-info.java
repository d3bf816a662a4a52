/**
 * The twin's state in one SQLite database ({@link dev.thingbridge.twin.store.TwinStore}): {@code twin.db} in
 * the state directory ({@code --state-dir}), in WAL mode, or an in-memory database with the same tables when
 * the twin runs without one. Open it with the {@code sqlite3} shell to look at the state ({@code .tables},
 * {@code SELECT * FROM shadows}); do not write to it while the twin runs, the twin keeps its state in memory.
 *
 * <h2>How a service persists</h2>
 *
 * A {@code TwinService} keeps its state in memory, where requests read it, and writes
 * only the rows an operation changed: {@code out.save(TABLE, values...)} or {@code out.delete(TABLE, key...)}
 * on the {@code TwinOutbox} it is given. The twin commits those writes, grouped with
 * other operations', and publishes the operation's replies only once the commit is durable. At start it
 * creates or migrates the service's tables ({@code TwinService.schema()}) and calls
 * {@code TwinService.load}, which reads them back. A request therefore costs what it
 * changes, not what the twin holds.
 *
 * <p>Layout: one table per entity, keyed like the entity's identity in AWS, with the columns the indexes
 * need and a {@code document} column holding the rest of the record as JSON (readable in {@code sqlite3},
 * queryable with {@code json_extract}). Tables today: {@code things}; {@code shadows} (key thing and shadow
 * name, so a thing's named shadows come in name order); {@code jobs} and {@code job_executions} (indexes for a
 * thing's pending executions in queue order and for a job's executions); {@code commands} and
 * {@code command_executions} (indexes by client token, time to live, target). The store's own tables:
 * {@code schema_versions} (one row per owner), {@code snapshots} and {@code meta}.
 *
 * <h2>Adding a table (certificates, provisioning templates, Defender reports, streams, OTA updates)</h2>
 *
 * <ol>
 *   <li>Describe how the service writes it: {@code static final Table CERTIFICATES = Table.of("certificates",
 *       1, "certificate_id", "status", "created_at", "document");} (key columns first; here one).
 *   <li>Give the service a schema whose steps create it: {@code StoreSchema.of("provisioning",
 *       List.of(CERTIFICATES), Migration.sql("CREATE TABLE certificates (certificate_id TEXT PRIMARY KEY, status
 *       TEXT NOT NULL, created_at INTEGER NOT NULL, document TEXT NOT NULL)", "CREATE INDEX ..."))}, and return
 *       it from {@code schema()}. The owner name is the service's own, so services add tables without touching
 *       each other's schemas.
 *   <li>Write rows from every operation that changes an entity ({@code out.save(CERTIFICATES, id, status,
 *       createdAt, json)}), and read them all back in {@code load(StoreReader)} (clear the in-memory state
 *       first: {@code load} also runs after a failed commit).
 *   <li>Later changes are new steps appended to the schema ({@code Migration.sql("ALTER TABLE certificates ADD
 *       COLUMN ...")}, or a {@link dev.thingbridge.twin.store.Migration} lambda that transforms data); a
 *       released step is never edited. The store runs the steps a database has not seen, each in its own
 *       transaction, and refuses a database written by a newer schema.
 *   <li>A test: write some state, restart the twin on the same directory, check it is all there (see the
 *       twin's persistence tests).
 * </ol>
 *
 * <p>A service without a schema still works: its whole {@code TwinService.snapshot()}
 * is saved as one row of {@code snapshots} after every change, which makes every request cost as much as its
 * whole state; that is only a step on the way to tables.
 *
 * <h2>Durability</h2>
 *
 * A commit is one append to the journal ({@code twin.journal.<first commit number>}, one record per commit
 * with a checksum), in the operating system's hands before any reply that depends on it goes out; the
 * applier thread takes the journal's new commits into {@code twin.db} in one transaction per round and
 * records the last one it took in {@code meta.journal_seq}; a journal file goes once the database holds all
 * of it on the disk. At start, the commits after {@code journal_seq} are read back (the intact, consecutive
 * ones), so a kill -9 loses nothing acknowledged.
 * {@link dev.thingbridge.twin.store.SyncMode#NORMAL} ({@code --sync normal}, the default): no fsync per
 * commit; a power loss may lose the last moments, never leaving a torn state.
 * {@link dev.thingbridge.twin.store.SyncMode#FULL} ({@code --sync full}): the journal is fsynced before every
 * reply. Reads ({@link dev.thingbridge.twin.store.TwinStore#query}) wait until the database holds every
 * commit made before them. A state directory of a version before the database (one JSON file per service) is
 * imported into {@code twin.db} on the first start; the files are kept as {@code *.json.imported}.
 *
 * <p>Layering: the bottom of the twin. It imports nothing else of the twin (the service contract above is named,
 * not linked); the twin core ({@code dev.thingbridge.twin}) and every service build on it.
 */
package dev.thingbridge.twin.store;
