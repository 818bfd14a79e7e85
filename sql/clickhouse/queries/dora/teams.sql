-- The teams the catalog knows for [from, to): every team owning a service at some moment of the period, so a
-- team with nothing to show (no deployment, only failed attempts, no incident) still gets its row, with zeros
-- and n/a figures, instead of disappearing.
-- Parameters: from, to (DateTime64 UTC), team ('' = every team).
SELECT DISTINCT team
FROM catalog_service_ownership
WHERE team != ''
  AND valid_from < {to:DateTime64(3, 'UTC')}
  AND (valid_to IS NULL OR valid_to > {from:DateTime64(3, 'UTC')})
  AND ({team:String} = '' OR team = {team:String})
ORDER BY team
