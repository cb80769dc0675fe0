-- 0005: papers imported from another tracker's rows before their metadata came from arXiv.

ALTER TABLE papers ADD COLUMN stub INTEGER NOT NULL DEFAULT 0;
