# The fast FMPN's settings, defined once for both stages and the demo: stage 2
# loads stage 1's checkpoint strictly, so their generators must be the same.
# The mask generator works at 70x70, the detail of the ground-truth masks (the
# authors' are 70x70), with a quarter of the channels (16, 64 at the
# bottleneck): 0.13 GFLOPs and 0.38 M parameters per face instead of 38 GFLOPs
# and 6.0 M.
fast_mask_generator = dict(working_size=70, base_channels=16)
# Stage 2's fusion net with its convolutions channels-last: faster on CPU
# (oneDNN), same results and checkpoints; set False on a GPU if it is slower there.
fast_fusion = dict(channels_last_convs=True)
