"""The consent pages: the school's overleg, hoorrecht and instemming (`school`), the parents' pages (`family`)
and the pupil's own plan (`pupil`). Reads go through `visible_to(user)`; anything out of reach is a 404."""
