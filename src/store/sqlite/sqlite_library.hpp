// SQLite's process-wide settings, which must be made before the process opens its first
// connection (sqlite3_config works only before sqlite3_initialize). The binary's entry point
// calls ConfigureSqliteLibrary first thing; a library user that skips it gets SQLite's defaults.
#pragma once

namespace ea::store::sqlite {

// Turns off SQLite's memory statistics (SQLITE_CONFIG_MEMSTATUS): with them on, every SQLite
// allocation takes one process-wide mutex to count itself, which the request threads and the
// audit writers contend on (a visible share of an authenticated get's waits). Nothing in the
// binary reads the statistics. Returns false when SQLite was already initialized (the setting
// is then left as it is).
bool ConfigureSqliteLibrary();

}  // namespace ea::store::sqlite
