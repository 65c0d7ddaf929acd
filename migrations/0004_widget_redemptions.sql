CREATE TABLE `widget_redemptions` (
	`entry_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`credential_id` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `widget_redemptions_customer_idx` ON `widget_redemptions` (`tenant_id`,`customer_id`);