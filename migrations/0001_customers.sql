CREATE TABLE `customer_key_states` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`current_kek_id` text NOT NULL,
	`retiring_kek_id` text,
	`rotated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `customers` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`email_hash` text,
	`email_sealed` text,
	`name_sealed` text,
	`external_id_sealed` text,
	`data_key_id` text NOT NULL,
	`wrapped_data_key` text,
	`kek_id` text,
	`created_at` text NOT NULL,
	`erased_at` text,
	`erasure_ledger_sequence` integer,
	`erasure_ledger_hash` text,
	`erasure_final_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customers_tenant_email_hash_idx` ON `customers` (`tenant_id`,`email_hash`);--> statement-breakpoint
CREATE INDEX `customers_tenant_kek_idx` ON `customers` (`tenant_id`,`kek_id`);--> statement-breakpoint
CREATE INDEX `customers_tenant_erasure_idx` ON `customers` (`tenant_id`,`status`,`erasure_final_at`);