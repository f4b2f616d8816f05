# hypervisor/: freestanding code shared with the host (decompressors, dom0 loader)
# is built twice: here for the host (libbcfs.a, -nostdinc enforces "no host
# headers"), and in hypervisor/arch for the hypervisor image.
HV_FS_SRCS := $(wildcard hypervisor/lib/*.c hypervisor/decompress/*.c hypervisor/loader/*.c)


$(HV_FS_LIB): $(call fs_objs,$(HV_FS_SRCS))
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

-include $(wildcard hypervisor/*/part.mk)
