-- Delivery latency as an interval. INTERNALDATE has whole seconds, so a latency is only known to lie between
-- bounds: the earliest and latest the receiver's stamps and our own clock allow. latency_ms becomes the
-- interval's midpoint and latency_error_ms its half-width (rounded up), so latency_ms +/- latency_error_ms
-- holds the true latency.
ALTER TABLE verdicts ADD COLUMN latency_low_ms INTEGER;
ALTER TABLE verdicts ADD COLUMN latency_high_ms INTEGER;
ALTER TABLE verdicts ADD COLUMN latency_error_ms INTEGER;

-- Verdicts stored before this had the arrival's whole second minus the 250 time (clamped at 0): the true
-- latency lies in [stored, stored + 1 s] (a superset when the interval was narrower), so that is their interval.
UPDATE verdicts
   SET latency_low_ms = latency_ms,
       latency_high_ms = latency_ms + 1000,
       latency_ms = latency_ms + 500,
       latency_error_ms = 500
 WHERE latency_ms IS NOT NULL;
