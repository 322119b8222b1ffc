# The classifier head of FMPN with backbones other than Inception V3: a linear
# layer over the pooled features; a config adds in_channels (the backbone's width).
linear_head = dict(
    type='LinearClsHead',
    num_classes=7,
    loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
    topk=(1, ))
