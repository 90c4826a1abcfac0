"""Spreadsheet imports: one pipeline shared by the web upload and `flask lms import`."""
