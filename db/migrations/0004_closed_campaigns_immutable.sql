-- A closed campaign is evidence: refuse every change to it and its items at the database level
-- (lib/review refuses first, with a clear message; this catches any code path that forgets).
CREATE TRIGGER `campaigns_closed_no_update` BEFORE UPDATE ON `campaigns`
WHEN OLD.status = 'closed'
BEGIN
  SELECT RAISE(ABORT, 'campaign is closed and read-only');
END;
--> statement-breakpoint
CREATE TRIGGER `campaigns_closed_no_delete` BEFORE DELETE ON `campaigns`
WHEN OLD.status = 'closed'
BEGIN
  SELECT RAISE(ABORT, 'campaign is closed and read-only');
END;
--> statement-breakpoint
CREATE TRIGGER `review_items_closed_no_update` BEFORE UPDATE ON `review_items`
WHEN (SELECT status FROM campaigns WHERE id = OLD.campaign_id) = 'closed'
BEGIN
  SELECT RAISE(ABORT, 'campaign is closed and read-only');
END;
--> statement-breakpoint
CREATE TRIGGER `review_items_closed_no_insert` BEFORE INSERT ON `review_items`
WHEN (SELECT status FROM campaigns WHERE id = NEW.campaign_id) = 'closed'
BEGIN
  SELECT RAISE(ABORT, 'campaign is closed and read-only');
END;
--> statement-breakpoint
CREATE TRIGGER `review_item_events_closed_no_insert` BEFORE INSERT ON `review_item_events`
WHEN (SELECT status FROM campaigns WHERE id = NEW.campaign_id) = 'closed'
BEGIN
  SELECT RAISE(ABORT, 'campaign is closed and read-only');
END;
--> statement-breakpoint
CREATE TRIGGER `review_item_events_no_update` BEFORE UPDATE ON `review_item_events`
BEGIN
  SELECT RAISE(ABORT, 'review history is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `reviewer_signoffs_closed_no_insert` BEFORE INSERT ON `reviewer_signoffs`
WHEN (SELECT status FROM campaigns WHERE id = NEW.campaign_id) = 'closed'
BEGIN
  SELECT RAISE(ABORT, 'campaign is closed and read-only');
END;
