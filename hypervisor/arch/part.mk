# hypervisor/arch/: the hypervisor image. Rules live with the architecture.
include hypervisor/arch/x86/part.mk
