package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"parabot/storage"
)

const staffCols = `id, school_id, handle, name, email, role, channel, active`

func scanStaff(row scanner) (storage.Staff, error) {
	var s storage.Staff
	err := row.Scan(&s.ID, &s.SchoolID, &s.Handle, &s.Name, &s.Email, &s.Role, &s.Channel, &s.Active)
	return s, err
}

// StaffByIdentity finds the active staff member linked to a platform user id.
func (db *DB) StaffByIdentity(ctx context.Context, platform storage.Platform, userID string) (storage.Staff, error) {
	s, err := scanStaff(db.pool.QueryRow(ctx, `SELECT s.id, s.school_id, s.handle, s.name, s.email, s.role, s.channel, s.active
		FROM identities i JOIN staff s ON s.id = i.staff_id
		WHERE i.platform = $1 AND i.user_id = $2 AND s.active`, platform, userID))
	if err != nil {
		return storage.Staff{}, fmt.Errorf("finding staff by %s identity: %w", platform, dbErr(err))
	}
	return s, nil
}

// StaffByEmail finds the active staff member with that email,
// case-insensitively. Two active staff sharing it is ErrConflict: linking
// an account must never guess.
func (db *DB) StaffByEmail(ctx context.Context, email string) (storage.Staff, error) {
	if email == "" {
		return storage.Staff{}, fmt.Errorf("finding staff by email: empty email: %w", storage.ErrNotFound)
	}
	rows, err := db.pool.Query(ctx, `SELECT `+staffCols+` FROM staff
		WHERE lower(email) = lower($1) AND active ORDER BY id LIMIT 2`, email)
	if err != nil {
		return storage.Staff{}, fmt.Errorf("finding staff by email: %w", err)
	}
	found, err := collect(rows, scanStaff)
	switch {
	case err != nil:
		return storage.Staff{}, fmt.Errorf("finding staff by email: %w", err)
	case len(found) == 0:
		return storage.Staff{}, fmt.Errorf("finding staff by email: %w", storage.ErrNotFound)
	case len(found) > 1:
		return storage.Staff{}, fmt.Errorf("finding staff by email: several active staff share it: %w", storage.ErrConflict)
	}
	return found[0], nil
}

// LinkIdentity remembers that a platform user id is this staff member. It
// is a no-op when already linked, and ErrConflict when the user id
// belongs to someone else.
func (db *DB) LinkIdentity(ctx context.Context, id storage.Identity) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO identities (platform, user_id, staff_id) VALUES ($1, $2, $3)
			ON CONFLICT (platform, user_id) DO NOTHING`, id.Platform, id.UserID, id.StaffID)
		if err != nil {
			return dbErr(err)
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
		var owner int64
		if err := tx.QueryRow(ctx, `SELECT staff_id FROM identities WHERE platform = $1 AND user_id = $2`,
			id.Platform, id.UserID).Scan(&owner); err != nil {
			return dbErr(err)
		}
		if owner != id.StaffID {
			return fmt.Errorf("user id is linked to staff %d: %w", owner, storage.ErrConflict)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("linking %s identity of staff %d: %w", id.Platform, id.StaffID, err)
	}
	return nil
}

// Identities lists a staff member's platform identities.
func (db *DB) Identities(ctx context.Context, staffID int64) ([]storage.Identity, error) {
	rows, err := db.pool.Query(ctx, `SELECT staff_id, platform, user_id FROM identities
		WHERE staff_id = $1 ORDER BY platform, user_id`, staffID)
	if err != nil {
		return nil, fmt.Errorf("listing identities of staff %d: %w", staffID, err)
	}
	out, err := collect(rows, func(row scanner) (storage.Identity, error) {
		var id storage.Identity
		err := row.Scan(&id.StaffID, &id.Platform, &id.UserID)
		return id, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing identities of staff %d: %w", staffID, err)
	}
	return out, nil
}

// StaffMember returns one staff member by id.
func (db *DB) StaffMember(ctx context.Context, id int64) (storage.Staff, error) {
	s, err := scanStaff(db.pool.QueryRow(ctx, `SELECT `+staffCols+` FROM staff WHERE id = $1`, id))
	if err != nil {
		return storage.Staff{}, fmt.Errorf("loading staff %d: %w", id, dbErr(err))
	}
	return s, nil
}

// ListStaff lists a school's active staff, ordered by name.
func (db *DB) ListStaff(ctx context.Context, schoolID int64) ([]storage.Staff, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+staffCols+` FROM staff
		WHERE school_id = $1 AND active ORDER BY name, id`, schoolID)
	if err != nil {
		return nil, fmt.Errorf("listing staff of school %d: %w", schoolID, err)
	}
	out, err := collect(rows, scanStaff)
	if err != nil {
		return nil, fmt.Errorf("listing staff of school %d: %w", schoolID, err)
	}
	return out, nil
}
