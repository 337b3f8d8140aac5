import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../dialect.ts";

/**
 * `session_events` becomes the one event log of every change, seen by every process:
 * - an event may belong to no project (a prompt analysis that ended), and a project's deletion is
 *   itself an event, so `project_id` is nullable and no longer a foreign key (the project store
 *   deletes a project's events with it, then records `project_deleted`);
 * - on PostgreSQL every insert notifies the channel `baton_events_<schema>` with the event's id, at
 *   commit, in commit order (the cross-process feed listens there; see events/feed.ts); the name
 *   is cut to PostgreSQL's 63 characters.
 */
export function eventLog(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === "postgres") {
        await sql`alter table session_events alter column project_id drop not null`.execute(db);
        await sql`alter table session_events drop constraint if exists session_events_project_id_fkey`.execute(
          db,
        );
        await sql`
          create or replace function baton_notify_event() returns trigger language plpgsql as $$
          begin
            -- A channel name has at most 63 characters (the feed cuts it the same way).
            perform pg_notify(left('baton_events_' || tg_table_schema, 63), new.id::text);
            return null;
          end $$`.execute(db);
        await sql`
          create trigger session_events_notify after insert on session_events
          for each row execute function baton_notify_event()`.execute(db);
        return;
      }
      // SQLite cannot drop a foreign key: the table is rebuilt, keeping its ids and its
      // autoincrement counter (ids are never handed out twice, even those of deleted events).
      await sql`
        create table session_events_next (
          id integer primary key autoincrement,
          session_id integer references sessions(id) on delete cascade,
          project_id integer,
          seq integer,
          ts text not null,
          type text not null,
          payload text not null,
          constraint session_events_session_seq_unique unique (session_id, seq),
          constraint session_events_seq_check check ((session_id is null) = (seq is null))
        )`.execute(db);
      await sql`
        insert into session_events_next (id, session_id, project_id, seq, ts, type, payload)
        select id, session_id, project_id, seq, ts, type, payload from session_events`.execute(db);
      await sql`delete from sqlite_sequence where name = 'session_events_next'`.execute(db);
      await sql`
        insert into sqlite_sequence (name, seq) select 'session_events_next', max(
          coalesce((select seq from sqlite_sequence where name = 'session_events'), 0),
          coalesce((select max(id) from session_events_next), 0))`.execute(db);
      await sql`drop table session_events`.execute(db);
      await sql`alter table session_events_next rename to session_events`.execute(db);
      await sql`create index session_events_project on session_events (project_id, id)`.execute(db);
    },
  };
}
