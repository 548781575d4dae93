-- A Slack or Discord id a roster import gave (staff.csv's slack_id or
-- discord_id) is marked, so that a later import whose row no longer gives
-- it can take it back; an id linked by email on first use is not the
-- roster's to take. Ids linked before this migration count as the
-- roster's unless the audit trail records their link.
ALTER TABLE identities ADD COLUMN from_roster {bool} NOT NULL DEFAULT {false};
UPDATE identities SET from_roster = {true} WHERE platform <> 'shell' AND NOT EXISTS (
    SELECT 1 FROM audit a WHERE a.action = 'link' AND a.entity = 'identity' AND a.staff_id = identities.staff_id
        AND a.detail = 'platform=' || identities.platform);
