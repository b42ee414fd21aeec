"""The schools pages: schools, pupils, enrolments and guardians (`pupils`), the pupil import (`imports`) and
transfers between schools (`transfers`). Reads go through `visible_to(user)`; anything out of reach is a 404."""
