package dev.thingbridge.mcu.smp;

/** Group 1 (image management) result codes of SMP v2 ({@code img_mgmt_err_code_t}). */
public enum ImageMgmtError {
  OK,
  UNKNOWN,
  FLASH_CONFIG_QUERY_FAIL,
  NO_IMAGE,
  NO_TLVS,
  INVALID_TLV,
  TLV_MULTIPLE_HASHES_FOUND,
  TLV_INVALID_SIZE,
  HASH_NOT_FOUND,
  NO_FREE_SLOT,
  FLASH_OPEN_FAILED,
  FLASH_READ_FAILED,
  FLASH_WRITE_FAILED,
  FLASH_ERASE_FAILED,
  INVALID_SLOT,
  NO_FREE_MEMORY,
  FLASH_CONTEXT_ALREADY_SET,
  FLASH_CONTEXT_NOT_SET,
  FLASH_AREA_DEVICE_NULL,
  INVALID_PAGE_OFFSET,
  INVALID_OFFSET,
  INVALID_LENGTH,
  INVALID_IMAGE_HEADER,
  INVALID_IMAGE_HEADER_MAGIC,
  INVALID_HASH,
  INVALID_FLASH_ADDRESS,
  VERSION_GET_FAILED,
  CURRENT_VERSION_IS_NEWER,
  IMAGE_ALREADY_PENDING,
  INVALID_IMAGE_VECTOR_TABLE,
  INVALID_IMAGE_TOO_LARGE,
  INVALID_IMAGE_DATA_OVERRUN,
  IMAGE_CONFIRMATION_DENIED,
  IMAGE_SETTING_TEST_TO_ACTIVE_DENIED,
  ACTIVE_SLOT_NOT_KNOWN;

  /** The code on the wire (the ordinal). */
  public int code() {
    return ordinal();
  }

  /** The constant for {@code rc}, or {@code null} if unknown. */
  public static ImageMgmtError of(int rc) {
    return rc >= 0 && rc < values().length ? values()[rc] : null;
  }

  /**
   * The SMP-level code a v1 client sees for this error, as Zephyr translates it ({@code
   * img_mgmt_translate_error_code}).
   */
  public McuMgrError toV1() {
    return switch (this) {
      case OK -> McuMgrError.EOK;
      case NO_IMAGE, NO_TLVS -> McuMgrError.ENOENT;
      case NO_FREE_SLOT, CURRENT_VERSION_IS_NEWER, IMAGE_ALREADY_PENDING -> McuMgrError.EBADSTATE;
      case NO_FREE_MEMORY -> McuMgrError.ENOMEM;
      case INVALID_SLOT, INVALID_PAGE_OFFSET, INVALID_OFFSET, INVALID_LENGTH, INVALID_IMAGE_HEADER,
          INVALID_HASH, INVALID_FLASH_ADDRESS -> McuMgrError.EINVAL;
      default -> McuMgrError.EUNKNOWN;
    };
  }
}
