-- Ledger entries are append-only: the store itself refuses to change or remove one, whatever code
-- or console reaches it. Corrections are new entries (void, refund), never edits.
CREATE TRIGGER IF NOT EXISTS `ledger_entries_no_update` BEFORE UPDATE ON `ledger_entries`
BEGIN
  SELECT RAISE(ABORT, 'ledger entries are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `ledger_entries_no_delete` BEFORE DELETE ON `ledger_entries`
BEGIN
  SELECT RAISE(ABORT, 'ledger entries are append-only');
END;
