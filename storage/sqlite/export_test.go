package sqlite

import "parabot/storage/sqlstore"

// MigrationSQL is the SQL of migration version as this engine runs it.
func MigrationSQL(version int) (string, error) {
	return sqlstore.MigrationSQL(migrationFS, dialect, version)
}
