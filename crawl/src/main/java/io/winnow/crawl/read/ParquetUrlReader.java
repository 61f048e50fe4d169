package io.winnow.crawl.read;

import io.winnow.crawl.read.UrlListParser.BadInputFileException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Streams URL (and caption) columns out of a Parquet file, one row group at a time, reading only
 * those two columns. Works on any seekable channel, so Beam's file systems can supply it.
 */
public final class ParquetUrlReader {
  /** Opens a fresh channel on the same file; Parquet reads the footer and the data separately. */
  public interface ChannelOpener {
    SeekableByteChannel open() throws IOException;
  }

  private final UrlListParser columns;

  public ParquetUrlReader(UrlListParser columns) {
    this.columns = columns;
  }

  public void read(ChannelOpener opener, Consumer<InputRow> out) throws IOException {
    InputFile file = new ChannelInputFile(opener);
    try (ParquetFileReader reader = ParquetFileReader.open(file)) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      if (!isStringColumn(schema, columns.urlColumn())) {
        throw new BadInputFileException(
            "no string column '"
                + columns.urlColumn()
                + "' in Parquet schema "
                + fieldNames(schema));
      }
      boolean hasCaption =
          columns.captionColumn() != null && isStringColumn(schema, columns.captionColumn());
      List<Type> fields = new ArrayList<>();
      fields.add(schema.getType(columns.urlColumn()));
      if (hasCaption) {
        fields.add(schema.getType(columns.captionColumn()));
      }
      long[] row = {0};
      forEachRow(
          reader,
          new MessageType(schema.getName(), fields),
          group -> {
            row[0]++;
            String url = group.getFieldRepetitionCount(0) == 0 ? "" : group.getString(0, 0).strip();
            if (url.isEmpty()) {
              out.accept(
                  InputRow.malformed(row[0], "", "empty '" + columns.urlColumn() + "' value"));
              return;
            }
            String caption =
                hasCaption && group.getFieldRepetitionCount(1) > 0 ? group.getString(1, 0) : null;
            out.accept(InputRow.of(url, caption, row[0]));
          });
    }
  }

  /**
   * Streams the named string columns of every row, in row order; a column the file lacks (a dataset
   * written before it existed) or a row without a value gives null.
   */
  public static void readStrings(ChannelOpener opener, List<String> names, Consumer<String[]> out)
      throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new ChannelInputFile(opener))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      List<Type> fields = new ArrayList<>();
      int[] field = new int[names.size()];
      for (int c = 0; c < names.size(); c++) {
        field[c] = -1;
        if (isStringColumn(schema, names.get(c))) {
          field[c] = fields.size();
          fields.add(schema.getType(names.get(c)));
        }
      }
      if (fields.isEmpty()) {
        throw new BadInputFileException(
            "none of the columns " + names + " in Parquet schema " + fieldNames(schema));
      }
      forEachRow(
          reader,
          new MessageType(schema.getName(), fields),
          group -> {
            String[] values = new String[names.size()];
            for (int c = 0; c < values.length; c++) {
              if (field[c] >= 0 && group.getFieldRepetitionCount(field[c]) > 0) {
                values[c] = group.getString(field[c], 0);
              }
            }
            out.accept(values);
          });
    }
  }

  /** Every row of {@code projection}'s columns, row group by row group, in row order. */
  private static void forEachRow(
      ParquetFileReader reader, MessageType projection, Consumer<Group> row) throws IOException {
    reader.setRequestedSchema(projection);
    for (PageReadStore pages = reader.readNextRowGroup();
        pages != null;
        pages = reader.readNextRowGroup()) {
      RecordReader<Group> records =
          new ColumnIOFactory()
              .getColumnIO(projection)
              .getRecordReader(pages, new GroupRecordConverter(projection));
      for (long i = 0; i < pages.getRowCount(); i++) {
        row.accept(records.read());
      }
    }
  }

  private static boolean isStringColumn(MessageType schema, String name) {
    if (name == null || !schema.containsField(name)) {
      return false;
    }
    Type type = schema.getType(name);
    return type.isPrimitive()
        && type.asPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY
        && !type.isRepetition(Type.Repetition.REPEATED);
  }

  private static List<String> fieldNames(MessageType schema) {
    return schema.getFields().stream().map(Type::getName).toList();
  }

  private static final class ChannelInputFile implements InputFile {
    private final ChannelOpener opener;

    ChannelInputFile(ChannelOpener opener) {
      this.opener = opener;
    }

    @Override
    public long getLength() throws IOException {
      try (SeekableByteChannel channel = opener.open()) {
        return channel.size();
      }
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
      SeekableByteChannel channel = opener.open();
      // Channels.newInputStream does not buffer, so the channel's position is the stream's.
      return new DelegatingSeekableInputStream(Channels.newInputStream(channel)) {
        @Override
        public long getPos() throws IOException {
          return channel.position();
        }

        @Override
        public void seek(long newPos) throws IOException {
          channel.position(newPos);
        }
      };
    }
  }
}
