"""Two short made-up articles whose answers a model test and an answerer test both ask for."""

AWARD = """Lakeside festival closes with record crowds

The Lakeside film festival ended on Sunday after ten days and a record 48,000 tickets sold, organisers said.
Screenings were added at the old cinema on Quay Street after the first weekend sold out. The Crystal Heron, the
festival's top prize, went to Ilse Varga. Her film "Salt Roads" follows three families of salt harvesters through one
year on the northern coast. Next year's festival moves to late May to avoid the spring storms.
"""

TRAM = """City budget passes after long debate

The city council passed next year's budget on Tuesday after a nine-hour session, with 31 votes in favour and 14
against. Most of the new money goes to schools, street repairs and the harbour district, where rents have risen
fastest. The opposition called the parking levy unfair to commuters. Among the smaller items, transport officials
confirmed that the N7 will operate between 00:30 and 05:00 on Fridays and Saturdays from March, linking the harbour,
the old town and the university campus.
"""
