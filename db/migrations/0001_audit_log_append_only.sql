-- The audit log is append-only: refuse every UPDATE and DELETE at the database level,
-- so not even a bug in Attest can rewrite history. (Someone with the file can still drop the
-- trigger; `npm run audit:verify` catches that through the hash chain.)
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
