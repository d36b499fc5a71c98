#include "store/sqlite/sqlite_library.hpp"

#include <sqlite3.h>

namespace ea::store::sqlite {

bool ConfigureSqliteLibrary() {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
}

}  // namespace ea::store::sqlite
