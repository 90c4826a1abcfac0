"""Recognition of prior learning (R9): the school's certificate table and learners' applications for
免修/免考, credits and internship waivers."""
