package dev.thingbridge.twin.store;

import java.sql.ResultSet;
import java.sql.SQLException;

/** The current row of a {@link TwinStore#query}: typed reads by column name. */
public final class Row {
  private final ResultSet rs;

  Row(ResultSet rs) {
    this.rs = rs;
  }

  /** A text column, or null. */
  public String text(String column) {
    try {
      return rs.getString(column);
    } catch (SQLException e) {
      throw TwinStoreException.of("reading column " + column, e);
    }
  }

  /** An integer column; 0 when null. */
  public long longValue(String column) {
    try {
      return rs.getLong(column);
    } catch (SQLException e) {
      throw TwinStoreException.of("reading column " + column, e);
    }
  }

  /** An integer column, or null. */
  public Long nullableLong(String column) {
    try {
      long v = rs.getLong(column);
      return rs.wasNull() ? null : v;
    } catch (SQLException e) {
      throw TwinStoreException.of("reading column " + column, e);
    }
  }

  /** A blob column, or null. */
  public byte[] bytes(String column) {
    try {
      return rs.getBytes(column);
    } catch (SQLException e) {
      throw TwinStoreException.of("reading column " + column, e);
    }
  }
}
