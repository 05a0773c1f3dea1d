"""Public website views: thin reads rendered with templates; nothing here writes."""
