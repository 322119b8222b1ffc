# The paper's training: SGD from lr 1e-2, momentum 0.9, weight decay 5e-4, lr divided by
# 10 "when the accuracy stops improving". The k-fold protocols have no validation split
# (watching the test fold would leak it), so the divisions come at fixed epochs here.
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(type='MultiStepLR', by_epoch=True, milestones=[20, 27], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=30, val_interval=30)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=8, enable=False)
