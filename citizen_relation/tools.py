"""Helpers of the addon that belong to no model."""


def process_in_batches(records, domain, order, batch_size, process):
    """Call ``process(batch)`` on the records of ``records``' model that
    match ``domain``, ``batch_size`` at a time in ``order``; return how many
    were processed. ``process`` must take them out of ``domain``.

    In a scheduled action, one batch, then its progress is reported: the
    scheduler commits and calls again while records remain. Called directly,
    every batch in the current transaction, the cache emptied between batches
    (memory stays bounded).
    """
    env = records.env
    in_cron = bool(env.context.get("ir_cron_progress_id"))
    done = 0
    previous_ids = None
    while True:
        batch = records.search(domain, order=order, limit=batch_size)
        if not batch or batch.ids == previous_ids:
            # the second test guards against looping on records that an
            # extension would leave in the domain
            break
        previous_ids = batch.ids
        process(batch)
        done += len(batch)
        env.flush_all()
        env.invalidate_all()
        if in_cron:
            remaining = records.search_count(domain)
            env["ir.cron"]._notify_progress(done=done, remaining=remaining)
            break
    return done
