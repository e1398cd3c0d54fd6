"""Pedimentos: number, model, review rules, the only writer of the pedimento tables,
drafts, reconciliation and the Data Stage import."""
