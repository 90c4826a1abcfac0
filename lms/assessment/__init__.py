"""Assessment: assignments (作业/实操), results with retakes, moral evaluation, the learning account and
the graduation audit."""
