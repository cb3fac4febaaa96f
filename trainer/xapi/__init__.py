"""xAPI 1.0.3: statements for the records (:mod:`.statements`), their ids (:mod:`.ids`),
the outbox in the records store (:mod:`.outbox`) and sending it to an LRS (:mod:`.lrs`)."""
