"""The plans pages: drafting, adjusting and adopting (`draft`), evaluating, ending, the commissie's advice and
the versions (`lifecycle`), the leader's overview, the ib's own list and the calendar feed (`overview`), the
PDFs (`pdf`) and the standard texts library (`texts`). Reads go through `visible_to(user)`; anything out of
reach is a 404. Writes go through `plans.services`."""
