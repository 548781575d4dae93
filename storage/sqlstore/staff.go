package sqlstore

import (
	"context"
	"fmt"
	"time"

	"parabot/storage"
)

const staffCols = `id, school_id, handle, name, email, role, channel, active`

func scanStaff(row scanner) (storage.Staff, error) {
	var s storage.Staff
	err := row.Scan(&s.ID, &s.SchoolID, &s.Handle, &s.Name, &s.Email, &s.Role, &s.Channel, &s.Active)
	return s, err
}

// StaffByIdentity finds the active staff member linked to a platform user id.
func (s *Store) StaffByIdentity(ctx context.Context, platform storage.Platform, userID string) (storage.Staff, error) {
	return one(ctx, s.db, fmt.Sprintf("finding staff by %s identity", platform), scanStaff, `SELECT s.id, s.school_id, s.handle, s.name, s.email, s.role, s.channel, s.active
		FROM identities i JOIN staff s ON s.id = i.staff_id
		WHERE i.platform = $1 AND i.user_id = $2 AND s.active`, platform, userID)
}

// StaffByHandle finds the staff member with a handle (one person's in
// every school), whatever its case, active or not.
func (s *Store) StaffByHandle(ctx context.Context, handle string) (storage.Staff, error) {
	return one(ctx, s.db, "finding staff by handle", scanStaff, `SELECT `+staffCols+` FROM staff WHERE lower(handle) = lower($1)
		ORDER BY handle = $1 DESC, id LIMIT 1`, handle)
}

// StaffByEmail finds the active staff member with that email,
// case-insensitively. Two active staff sharing it is ErrConflict: linking
// an account must never guess.
func (s *Store) StaffByEmail(ctx context.Context, email string) (storage.Staff, error) {
	if email == "" {
		return storage.Staff{}, fmt.Errorf("finding staff by email: empty email: %w", storage.ErrNotFound)
	}
	found, err := list(ctx, s.db, "finding staff by email", scanStaff, `SELECT `+staffCols+` FROM staff
		WHERE lower(email) = lower($1) AND active ORDER BY id LIMIT 2`, email)
	switch {
	case err != nil:
		return storage.Staff{}, err
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
func (s *Store) LinkIdentity(ctx context.Context, id storage.Identity) error {
	err := s.tx(ctx, func(ctx context.Context, x Executor) error {
		n, err := x.Exec(ctx, `INSERT INTO identities (platform, user_id, staff_id) VALUES ($1, $2, $3)
			ON CONFLICT (platform, user_id) DO NOTHING`, id.Platform, id.UserID, id.StaffID)
		if err != nil {
			return err
		}
		if n == 1 {
			// A new way in to the staff member's students: audited with it.
			at := id.LinkedAt
			if at.IsZero() {
				at = time.Now()
			}
			return insertAudit(ctx, x, s.d, storage.AuditEvent{At: at.UTC(), StaffID: id.StaffID, Action: "link", Entity: "identity",
				Detail: "platform=" + string(id.Platform)})
		}
		var owner int64
		if err := x.QueryRow(ctx, `SELECT staff_id FROM identities WHERE platform = $1 AND user_id = $2`,
			id.Platform, id.UserID).Scan(&owner); err != nil {
			return err
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
func (s *Store) Identities(ctx context.Context, staffID int64) ([]storage.Identity, error) {
	return list(ctx, s.db, fmt.Sprintf("listing identities of staff %d", staffID), func(row scanner) (storage.Identity, error) {
		var id storage.Identity
		err := row.Scan(&id.StaffID, &id.Platform, &id.UserID)
		return id, err
	}, `SELECT staff_id, platform, user_id FROM identities WHERE staff_id = $1 ORDER BY platform, user_id`, staffID)
}

// StaffWithRole lists the active staff of every school with a role,
// ordered by name.
func (s *Store) StaffWithRole(ctx context.Context, role storage.Role) ([]storage.Staff, error) {
	return list(ctx, s.db, fmt.Sprintf("listing staff with role %s", role), scanStaff, `SELECT `+staffCols+` FROM staff WHERE role = $1 AND active ORDER BY name, id`, role)
}

// StaffMember returns one staff member by id.
func (s *Store) StaffMember(ctx context.Context, id int64) (storage.Staff, error) {
	return one(ctx, s.db, fmt.Sprintf("loading staff %d", id), scanStaff, `SELECT `+staffCols+` FROM staff WHERE id = $1`, id)
}

// ListStaff lists a school's active staff, ordered by name.
func (s *Store) ListStaff(ctx context.Context, schoolID int64) ([]storage.Staff, error) {
	return list(ctx, s.db, fmt.Sprintf("listing staff of school %d", schoolID), scanStaff, `SELECT `+staffCols+` FROM staff
		WHERE school_id = $1 AND active ORDER BY name, id`, schoolID)
}
