CREATE TABLE `key_encryption_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`material` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `key_encryption_keys_tenant_idx` ON `key_encryption_keys` (`tenant_id`);