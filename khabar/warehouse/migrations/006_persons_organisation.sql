-- Issue 15: a person's title split into its normalised head («رئیس», «مدیرکل», …) and the organisation it names.
-- (Numbered 006: 005 is taken on another branch; versions need not be contiguous.)
ALTER TABLE persons ADD COLUMN IF NOT EXISTS role_head VARCHAR;
ALTER TABLE persons ADD COLUMN IF NOT EXISTS organisation VARCHAR;
