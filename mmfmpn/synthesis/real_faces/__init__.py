"""Expressive sequences made from real neutral photos: landmark motion, warp, rendering."""
