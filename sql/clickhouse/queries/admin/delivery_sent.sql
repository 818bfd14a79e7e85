-- Whether a target was already sent a period's delivery (table deliveries, migration 0021): the check that makes a
-- delivery idempotent per period and target, whichever instance or command sends it, after any restart.
SELECT count() AS sent
FROM deliveries
WHERE kind = {kind:String}
  AND period = {period:String}
  AND target = {target:String}
  AND status = 'sent'
