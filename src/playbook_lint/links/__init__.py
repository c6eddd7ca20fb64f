"""Links: extraction from documents (shared by every link rule), slugs, and the link engine."""
