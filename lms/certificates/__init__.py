"""Certificates: diplomas, completion certificates and study records; numbers, QR verification, printing."""
