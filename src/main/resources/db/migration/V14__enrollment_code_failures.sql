-- Wrong enrollment codes per registered device (issue 12: guessing codes over EST Basic is limited per
-- device id). One row per device that had a failure: how many in the window that began at window_start.
-- In the database, not in memory, so the limit holds across instances (registry.EnrollmentCodeFailures).
CREATE TABLE enrollment_code_failure (
    device_id     VARCHAR(128) PRIMARY KEY REFERENCES device (id),
    failures      INTEGER NOT NULL,
    window_start  TIMESTAMP WITH TIME ZONE NOT NULL
);
