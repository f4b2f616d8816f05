# bootloader/: GRUB2 integration. media.c builds boot media with GRUB2's own tools
# (grub-mkrescue; OVMF for UEFI) for the boot matrix, esp.c EFI system partition
# images with mtools for boots without GRUB; both are linked into `bootchain`.
# grubenv.c/.h here belong to grubby and are built by grubby's own module.mk.
BOOTCHAIN_SRCS += bootloader/media.c bootloader/esp.c
