"""Documents and workbooks written from service results (PDF via reportlab, XLSX via openpyxl)."""
