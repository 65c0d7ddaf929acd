CREATE TABLE `event_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `event_outbox_created_idx` ON `event_outbox` (`created_at`);--> statement-breakpoint
CREATE TABLE `ledger_balances` (
	`tenant_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`available` integer NOT NULL,
	`lifetime_accrued` integer NOT NULL,
	`lifetime_redeemed` integer NOT NULL,
	`lifetime_expired` integer NOT NULL,
	`sequence` integer NOT NULL,
	`hash` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `customer_id`)
);
--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`tenant_id` text NOT NULL,
	`sequence` integer NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`customer_id` text NOT NULL,
	`points` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`reason` text,
	`order_id` text,
	`voids` text,
	`expires_at` text,
	`lots` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `sequence`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_entries_id_idx` ON `ledger_entries` (`id`);--> statement-breakpoint
CREATE INDEX `ledger_entries_customer_idx` ON `ledger_entries` (`tenant_id`,`customer_id`,`sequence`);--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_entries_voids_idx` ON `ledger_entries` (`voids`);--> statement-breakpoint
CREATE TABLE `ledger_lots` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`order_id` text,
	`points` integer NOT NULL,
	`remaining` integer NOT NULL,
	`refunded` integer DEFAULT 0 NOT NULL,
	`expires_at` text,
	`voided` integer DEFAULT false NOT NULL,
	`created_sequence` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ledger_lots_customer_idx` ON `ledger_lots` (`tenant_id`,`customer_id`,`remaining`);--> statement-breakpoint
CREATE INDEX `ledger_lots_order_idx` ON `ledger_lots` (`tenant_id`,`customer_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `ledger_lots_expiry_idx` ON `ledger_lots` (`tenant_id`,`expires_at`,`remaining`);